//! What the fuzz targets share.

use std::sync::Once;

/// libFuzzer's panic hook aborts on every panic, even one that `read_bytes` catches on
/// purpose (a third-party reader that panics on a damaged file becomes the diagnostic
/// E002). Wraps it so that those stay quiet, as in the binary: any other panic still
/// aborts and is reported as a crash. Called at the start of every input, so that it runs
/// after libFuzzer has installed its own hook.
pub fn contain_guarded_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let aborting = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !observatoire::read::in_guarded_read() {
                aborting(info);
            }
        }));
    });
}
