//! The model driven through whole check-in and exam flows, with no terminal and no network.

mod checkin;
mod invigilator;
mod paper;
mod takeover;
