//! Authentication (passwords, tokens, throttling) and authorization (the role matrix).

pub mod password;
pub mod policy;
pub mod token;

pub use policy::{Permission, Principal};
pub use token::TokenKeys;
