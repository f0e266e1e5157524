//! wadm for PELATO's loopback lattice: wadm's own flags and environment
//! (`WadmConfig` with the library's `cli` feature), run until a signal.
//! crates.io publishes wadm as a library only; its command-line binary is
//! released on GitHub, which this project's machines cannot reach.

use anyhow::Context as _;
use clap::Parser as _;
use tokio::signal::unix::{signal, SignalKind};
use wadm::config::WadmConfig;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = WadmConfig::parse();
    let mut tasks = wadm::start_wadm(config).await.context("failed to start wadm")?;
    let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
    tokio::select! {
        res = tasks.join_next() => match res {
            Some(Ok(Ok(()))) | None => Ok(()),
            Some(Ok(Err(e))) => Err(e).context("wadm stopped"),
            Some(Err(e)) => Err(e).context("wadm task panicked"),
        },
        _ = tokio::signal::ctrl_c() => Ok(()),
        _ = term.recv() => Ok(()),
    }
}
