//! wasmCloud's HTTP server capability provider for PELATO's loopback lattice.
//!
//! The hosts' builtin http-server (wasmcloud-host 0.27.1) reads only `address` from its link and serves
//! plain HTTP; the TLS settings (`tls_cert_file`, `tls_priv_key_file`) and `timeout_ms` belong to the
//! provider that the `ghcr.io/wasmcloud/http-server` images ship, which is the crate
//! `wasmcloud-provider-http-server`. Those images cannot be pulled here, so this binary is that crate's
//! provider, and it packs itself into a provider archive (`--par FILE`) that the test registry serves to
//! the hosts like any provider image.

use anyhow::{bail, Context as _};
use provider_archive::ProviderArchive;
use wascap::prelude::KeyPair;

const USAGE: &str = "usage: pelato-http-server            run as the provider (started by a wasmCloud host)
       pelato-http-server --par FILE  write a provider archive (.par.gz) holding this binary";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => wasmcloud_provider_http_server::run().await,
        [flag, out] if flag == "--par" => pack(out).await,
        [flag] if flag == "--help" || flag == "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}

/// A provider archive for this machine's target (`{arch}-{os}`, as the host looks it up), signed with
/// fresh keys: the host checks that the archive matches its claims, not who issued them.
async fn pack(out: &str) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find this binary")?;
    let bytes = std::fs::read(&exe).with_context(|| format!("cannot read {}", exe.display()))?;
    let mut par = ProviderArchive::new("http-server", "pelato", None, Some(env!("CARGO_PKG_VERSION").to_string()));
    let target = format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS);
    par.add_library(&target, &bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    par.write(out, &KeyPair::new_account(), &KeyPair::new_service(), true)
        .await
        .map_err(|e| anyhow::anyhow!("cannot write {out}: {e}"))?;
    Ok(())
}
