//! A wasmCloud 1.x host for PELATO's loopback lattice.
//!
//! crates.io publishes the host only as a library (`wasmcloud-host`); the
//! `wasmcloud` binary of the 1.x line is released on GitHub, which this
//! project's machines cannot reach. This main is deliberately small: it reads
//! the few settings a test lattice needs and hands everything else to the
//! library's defaults.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use tokio::signal::unix::{signal, SignalKind};
use wasmcloud_host::url::Url;
use wasmcloud_host::wasmbus::{Features, Host, HostConfig};
use wasmcloud_host::OciConfig;

const USAGE: &str = "usage: pelato-host [--nats-url URL] [--lattice NAME] [--label KEY=VALUE]... \
[--allowed-insecure HOST:PORT]... [--features LIST] [--heartbeat-ms N] [--js-domain D]

Environment (flags win): WASMCLOUD_NATS_URL, WASMCLOUD_LATTICE, WASMCLOUD_LABELS (k=v,k=v),
WASMCLOUD_OCI_ALLOWED_INSECURE (comma list), WASMCLOUD_EXPERIMENTAL_FEATURES (comma list),
WASMCLOUD_JS_DOMAIN, RUST_LOG.";

struct Settings {
    nats_url: String,
    lattice: String,
    labels: HashMap<String, String>,
    allowed_insecure: Vec<String>,
    features: Features,
    heartbeat: Option<Duration>,
    js_domain: Option<String>,
}

fn comma_list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn label(value: &str) -> anyhow::Result<(String, String)> {
    match value.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => bail!("label {value:?} is not KEY=VALUE"),
    }
}

fn settings() -> anyhow::Result<Settings> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut s = Settings {
        nats_url: env("WASMCLOUD_NATS_URL").unwrap_or_else(|| "nats://127.0.0.1:4222".into()),
        lattice: env("WASMCLOUD_LATTICE").unwrap_or_else(|| "default".into()),
        labels: HashMap::new(),
        allowed_insecure: Vec::new(),
        features: Features::new(),
        heartbeat: None,
        // A host behind a leaf node without JetStream of its own reaches the hub's JetStream
        // (lattice and config buckets) through the hub's domain.
        js_domain: env("WASMCLOUD_JS_DOMAIN"),
    };
    if let Some(v) = env("WASMCLOUD_LABELS") {
        for l in comma_list(&v) {
            let (k, v) = label(l)?;
            s.labels.insert(k, v);
        }
    }
    if let Some(v) = env("WASMCLOUD_OCI_ALLOWED_INSECURE") {
        s.allowed_insecure.extend(comma_list(&v).map(String::from));
    }
    if let Some(v) = env("WASMCLOUD_EXPERIMENTAL_FEATURES") {
        for f in comma_list(&v) {
            s.features = s.features | Features::from(f);
        }
    }
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--nats-url" => s.nats_url = value,
            "--lattice" => s.lattice = value,
            "--label" => {
                let (k, v) = label(&value)?;
                s.labels.insert(k, v);
            }
            "--allowed-insecure" => s.allowed_insecure.push(value),
            "--features" => {
                for f in comma_list(&value) {
                    s.features = s.features | Features::from(f);
                }
            }
            "--js-domain" => s.js_domain = Some(value),
            "--heartbeat-ms" => {
                let ms: u64 = value.parse().context("--heartbeat-ms takes milliseconds")?;
                s.heartbeat = Some(Duration::from_millis(ms));
            }
            _ => bail!("unknown flag {flag}\n{USAGE}"),
        }
    }
    Ok(s)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                "info,cranelift_codegen=warn,wasmtime_cranelift=warn".into()
            }),
        )
        .with_writer(std::io::stderr)
        .init();

    let s = settings()?;
    let url = Url::parse(&s.nats_url).with_context(|| format!("invalid NATS URL {:?}", s.nats_url))?;
    let config = HostConfig {
        ctl_nats_url: url.clone(),
        rpc_nats_url: url,
        lattice: Arc::from(s.lattice.as_str()),
        labels: s.labels,
        oci_opts: OciConfig {
            allowed_insecure: s.allowed_insecure,
            ..OciConfig::default()
        },
        experimental_features: s.features,
        heartbeat_interval: s.heartbeat,
        js_domain: s.js_domain,
        ..HostConfig::default()
    };
    let (host, shutdown) = Host::new(config)
        .await
        .context("failed to start the host (is NATS reachable, with JetStream or a js-domain that reaches it?)")?;

    // Tests stop hosts with SIGTERM (clean: wadm hears host_stopped) or
    // SIGKILL (a crash: wadm only notices when heartbeats stop).
    let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
        _ = host.stopped() => {},
    }
    shutdown.await.context("failed to shut the host down")?;
    Ok(())
}
