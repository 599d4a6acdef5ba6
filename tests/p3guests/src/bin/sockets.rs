//! wasi:sockets@0.3 where wasi-web has no network: creating a socket and
//! resolving a name fail with the error codes the host reports.
use p3guests::say;
use wasip3::sockets::ip_name_lookup;
use wasip3::sockets::types::{IpAddressFamily, TcpSocket, UdpSocket};

struct Sockets;
wasip3::cli::command::export!(Sockets);

impl wasip3::exports::cli::run::Guest for Sockets {
    async fn run() -> Result<(), ()> {
        say(&format!("tcp {:?}", TcpSocket::create(IpAddressFamily::Ipv4).err())).await;
        say(&format!("udp {:?}", UdpSocket::create(IpAddressFamily::Ipv6).err())).await;
        say(&format!("lookup ip {:?}", ip_name_lookup::resolve_addresses("127.0.0.1".into()).await)).await;
        say(&format!("lookup bad {:?}", ip_name_lookup::resolve_addresses("not a name!".into()).await)).await;
        say(&format!("lookup name {:?}", ip_name_lookup::resolve_addresses("example.com".into()).await)).await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
