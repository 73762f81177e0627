//! Feeds arbitrary bytes to both value decoders; any panic is a bug.
//!
//! Input: `<type JSON> 0x00 <payload>`; without a NUL the whole input is a payload of
//! type `dynamic`. Run from the repository root (cargo-fuzz needs nightly features):
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run decode -s none -- -max_total_time=30`
#![no_main]

use libfuzzer_sys::fuzz_target;
use natsforge::framework::value::{decode_json, decode_msgpack, Type};

fuzz_target!(|data: &[u8]| {
    let (ty, payload) = match data.iter().position(|&b| b == 0) {
        Some(split) => match Type::from_json_bytes(&data[..split]) {
            Ok(ty) => (ty, &data[split + 1..]),
            Err(_) => return,
        },
        None => (Type::Dynamic, data),
    };
    let _ = decode_msgpack(payload, &ty);
    let _ = decode_json(payload, &ty);
});
