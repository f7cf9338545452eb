//! Any text → `reseau.toml` → the network, or located problems; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    observatoire_fuzz::contain_guarded_panics();
    let text = observatoire::read::decode_text(data);
    if let Ok(network) = observatoire::network::parse_network(&text) {
        for vintage in &network.populations {
            for member in &network.members {
                let _ = network.population_of(vintage, &member.code);
            }
        }
    }
});
