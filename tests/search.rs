//! Search quality and the native twin, on the demo content.
