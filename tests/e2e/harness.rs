//! What every end-to-end flow needs: the built page served over HTTP under a sub-path,
//! chromedriver, a headless Chromium session, and a few page-level helpers.
//!
//! Nothing here reaches beyond 127.0.0.1: the server and chromedriver listen on loopback
//! ports chosen by the OS, and Chromium runs with its background networking switched off.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// The sub-path the page is served under, to prove that a deploy below the host's root works.
pub const BASE_PATH: &str = "/quorum-lab/";

/// How long the page may take to load and mount before a flow gives up.
pub const MOUNT_TIMEOUT: Duration = Duration::from_secs(30);

/// The crate root; `dist/` and `target/` are found from here whatever the working directory.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release build of the page, or a panic that says how to make it.
///
/// The end-to-end tests exist to check the real build, so a missing one is a failure, never a
/// silent pass.
pub fn dist_dir() -> PathBuf {
    let dist = crate_root().join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: build the page first with `trunk build --release --offline` \
         (./scripts/test does this before running the end-to-end tests)",
        dist.join("index.html").display()
    );
    dist
}

/// Where flows write screenshots: `target/e2e/`.
pub fn artifacts_dir() -> PathBuf {
    let dir = crate_root().join("target").join("e2e");
    fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

// ---------------------------------------------------------------------------------------
// Static file server
// ---------------------------------------------------------------------------------------

/// One request the static server answered.
#[derive(Clone, Debug)]
pub struct Served {
    /// The request path, as the browser sent it.
    pub path: String,
    /// The HTTP status returned.
    pub status: u16,
}

/// A minimal static file server for `dist/`, mounted at [`BASE_PATH`] on a free loopback port.
///
/// Anything outside the base path is a 404, so an asset referenced by an absolute URL (the
/// classic sub-path deploy bug) shows up in [`StaticServer::not_found`]. The accept thread is
/// left to end with the test process.
pub struct StaticServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Served>>>,
}

impl StaticServer {
    /// Serves `root` at `http://127.0.0.1:<port>/quorum-lab/`.
    pub fn start(root: PathBuf) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the static server");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let thread_log = Arc::clone(&log);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let log = Arc::clone(&thread_log);
                thread::spawn(move || {
                    if let Some(served) = handle(stream, &root) {
                        log.lock().unwrap().push(served);
                    }
                });
            }
        });
        Self { addr, log }
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// Every request answered so far.
    pub fn served(&self) -> Vec<Served> {
        self.log.lock().unwrap().clone()
    }

    /// The requests answered with 404.
    pub fn not_found(&self) -> Vec<Served> {
        self.served()
            .into_iter()
            .filter(|s| s.status == 404)
            .collect()
    }
}

fn handle(stream: TcpStream, root: &Path) -> Option<Served> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    // Drain the headers; the server needs nothing from them.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();

    let (status, content_type, body) = match resolve(root, &path) {
        _ if method != "GET" && method != "HEAD" => (405, "text/plain", b"method".to_vec()),
        Some(file) => match fs::read(&file) {
            Ok(bytes) => (200, content_type(&file), bytes),
            Err(_) => (404, "text/plain", b"not found".to_vec()),
        },
        None => (404, "text/plain", b"not found".to_vec()),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    if method == "GET" {
        stream.write_all(&body).ok()?;
    }
    Some(Served { path, status })
}

/// Maps a request path under [`BASE_PATH`] to a file in `root`, refusing to leave it.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let path = path.split(['?', '#']).next()?;
    let rest = path.strip_prefix(BASE_PATH)?;
    let relative = if rest.is_empty() { "index.html" } else { rest };
    let relative = Path::new(relative);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    // wasm-bindgen's loader streams the module only when it is served as application/wasm.
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------------------------------
// chromedriver and Chromium
// ---------------------------------------------------------------------------------------

/// A chromedriver process on a free loopback port, killed when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver (`$CHROMEDRIVER`, else `chromedriver` on `PATH`) and waits until
    /// it accepts connections.
    pub fn start() -> Self {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "could not start {program:?} ({e}); install it with \
                     `./scripts/setup --test` (Debian's chromium-driver)"
                )
            });
        let driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening on port {port}"
            );
            thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    // Bind to port 0 to let the OS choose, then release it for chromedriver. Another process
    // could take it in between, which on a test machine is rare enough.
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

/// The flags TOOLCHAIN.md found necessary for Debian's Chromium, running as root, offline.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
];

/// A node as the page draws it: `(id, role, term, up)`.
pub type NodeState = (u32, String, u64, bool);

/// A headless Chromium session.
///
/// Dropped without [`Browser::close`] (a failed assertion unwinds past it), it still ends the
/// session, so chromedriver quits Chromium instead of leaving it running.
pub struct Browser {
    client: Client,
    driver_port: u16,
    session: Option<String>,
    profile: PathBuf,
}

impl Browser {
    /// Opens a headless Chromium with a fresh profile under `target/e2e/`, its viewport
    /// `width` x `height` CSS pixels.
    pub async fn open(driver: &Driver, width: u32, height: u32) -> Self {
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let profile = artifacts_dir().join(format!(
            "profile-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&profile);
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={width},{height}"));
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());

        let mut caps = Capabilities::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": binary, "args": args }),
        );
        // Keeps the browser console, so a flow can assert that the page logged no error.
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));

        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .expect("start a Chromium session through chromedriver");
        let session = client.session_id().await.ok().flatten();
        let browser = Self {
            client,
            driver_port: driver.port,
            session,
            profile,
        };
        // The window size includes no browser chrome in headless mode, but set the viewport
        // exactly anyway so screenshots have the size the flow asked for.
        browser.set_viewport(width, height).await;
        browser
    }

    /// The fantoccini client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Emulates a viewport of `width` x `height` CSS pixels; widths under 600 count as mobile.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 600,
            }),
        )
        .await;
    }

    /// Emulates the user's colour-scheme preference, `"light"` or `"dark"`.
    pub async fn set_color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    /// Loads `url` and waits until the app has mounted (the header's `<h1>` exists).
    pub async fn open_page(&self, url: &str) {
        self.client.goto(url).await.expect("navigate to the page");
        self.client
            .wait()
            .at_most(MOUNT_TIMEOUT)
            .for_element(Locator::Css(".app header h1"))
            .await
            .unwrap_or_else(|e| panic!("the app did not mount within {MOUNT_TIMEOUT:?}: {e}"));
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches {css:?}: {e}"))
            .text()
            .await
            .expect("read an element's text")
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Saves a PNG of the viewport as `target/e2e/<name>.png`, prints its path (the
    /// test log lists every screenshot) and returns it.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let path = artifacts_dir().join(format!("{name}.png"));
        fs::write(&path, png).expect("write the screenshot");
        println!("screenshot: {}", path.display());
        path
    }

    /// The browser console's entries since the last call, as `level: message` lines.
    pub async fn console(&self) -> Vec<(String, String)> {
        let entries = self
            .client
            .issue_cmd(ChromeCommand::post("se/log", json!({ "type": "browser" })))
            .await
            .expect("read the browser log through chromedriver");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["level"].as_str().unwrap_or("?").to_owned(),
                    e["message"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// The console entries at level SEVERE: uncaught errors, `console.error`, failed loads.
    pub async fn console_errors(&self) -> Vec<String> {
        self.console()
            .await
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .map(|(_, message)| message)
            .collect()
    }

    /// Runs a Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(ChromeCommand::post(
                "goog/cdp/execute",
                json!({ "cmd": cmd, "params": params }),
            ))
            .await
            .unwrap_or_else(|e| panic!("DevTools command {cmd} failed: {e}"))
    }

    /// Page-space rectangles `[x, y, width, height]` of the first element matching each
    /// selector; a selector that matches nothing is left out.
    pub async fn rects(&self, selectors: &[&str]) -> BTreeMap<String, [f64; 4]> {
        let value = self
            .eval(
                "return arguments[0].map(sel => { \
                   const el = document.querySelector(sel); \
                   if (!el) return null; \
                   const r = el.getBoundingClientRect(); \
                   return [sel, [r.x + scrollX, r.y + scrollY, r.width, r.height]]; \
                 }).filter(Boolean);",
                vec![json!(selectors)],
            )
            .await;
        serde_json::from_value::<Vec<(String, [f64; 4])>>(value)
            .expect("rectangles as [selector, [x, y, w, h]]")
            .into_iter()
            .collect()
    }

    /// Polls `condition` (a JavaScript expression) every 50 ms until it is truthy; panics
    /// with `what` after `timeout`.
    pub async fn wait_until(&self, condition: &str, timeout: Duration, what: &str) {
        let started = Instant::now();
        let script = format!("return !!({condition});");
        loop {
            if self.eval(&script, vec![]).await == Value::Bool(true) {
                return;
            }
            if started.elapsed() > timeout {
                let states = self.nodes().await;
                panic!("timed out after {timeout:?} waiting for {what} ({condition}); nodes: {states:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Every node the cluster draws, from its test hooks: `(id, role, term, up)`.
    pub async fn nodes(&self) -> Vec<NodeState> {
        let value = self
            .eval(
                "return [...document.querySelectorAll('[data-node]')].map(e => [\
                   Number(e.dataset.node), e.dataset.role, Number(e.dataset.term), \
                   e.dataset.up === 'true']);",
                vec![],
            )
            .await;
        serde_json::from_value(value).expect("node hooks as [id, role, term, up]")
    }

    /// Presses `key` on the page (as the keyboard shortcuts see it).
    pub async fn press(&self, key: &str) {
        self.eval(
            "document.body.dispatchEvent(new KeyboardEvent('keydown', \
               { key: arguments[0], bubbles: true }));",
            vec![json!(key)],
        )
        .await;
    }

    /// Clicks the first element matching `css` (through the DOM, as a user's click).
    pub async fn click(&self, css: &str) {
        let found = self
            .eval(
                "const e = document.querySelector(arguments[0]); if (!e) return false; \
                 e.dispatchEvent(new MouseEvent('click', { bubbles: true })); return true;",
                vec![json!(css)],
            )
            .await;
        assert_eq!(found, Value::Bool(true), "nothing to click at {css:?}");
    }

    /// Ends the session and closes Chromium.
    pub async fn close(mut self) {
        if self.client.clone().close().await.is_ok() {
            self.session = None;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Blocking on purpose: Drop cannot await. The session is still open only when a flow
        // did not reach `close`, typically while a failed assertion unwinds.
        if let Some(session) = self.session.take() {
            end_session(self.driver_port, &session);
        }
        // Chromium has quit by now; its profile is of no further use.
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// Ends a WebDriver session with a plain blocking request; chromedriver answers once Chromium
/// has quit.
fn end_session(driver_port: u16, session: &str) {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, driver_port)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{driver_port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        let _ = std::io::Read::read_to_end(&mut stream, &mut Vec::new());
    }
}

/// A chromedriver-specific endpoint under the session (`/session/{id}/<path>`), which
/// fantoccini has no method for: the browser log and DevTools commands.
#[derive(Debug)]
struct ChromeCommand {
    path: &'static str,
    body: Value,
}

impl ChromeCommand {
    fn post(path: &'static str, body: Value) -> Self {
        Self { path, body }
    }
}

impl WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a command inside a session");
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Whether two rectangles `[x, y, w, h]` overlap by more than a rounding error.
pub fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    const EPS: f64 = 0.5;
    a[0] + a[2] > b[0] + EPS
        && b[0] + b[2] > a[0] + EPS
        && a[1] + a[3] > b[1] + EPS
        && b[1] + b[3] > a[1] + EPS
}
