//! Bank file formats: parse from text into validated questions (and, later, write back).

pub mod toml_file;

pub use toml_file::parse_bank_toml;
