//! The `quorum-lab` binary is the web page: Trunk builds it for `wasm32-unknown-unknown` and
//! `index.html` loads it. The work lives in the library; this file only mounts the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Panics then reach the browser console with their message instead of "unreachable".
    console_error_panic_hook::set_once();
    quorum_lab::ui::start();
}

/// `cargo build` and `cargo clippy --all-targets` also build this binary natively, where
/// there is no page to mount, so it says where the page comes from instead.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "quorum-lab is the web page; build it with trunk (./scripts/serve, or \
         trunk build --release --offline). The command-line tool is `qlab`."
    );
}
