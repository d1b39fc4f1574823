//! kerasfix: inspect, check and repair the JSON embedded in saved Keras models.
//!
//! The binary in `main.rs` only parses arguments and calls [`run`]; everything else lives in
//! this library so that tests can drive it directly.

pub mod container;
pub mod json;
pub mod rules;
pub mod schema;
