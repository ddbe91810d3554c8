//! The page (being ported to the generic lab).
pub mod lab;
