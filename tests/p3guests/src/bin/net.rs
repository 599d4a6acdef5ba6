//! wasi:sockets@0.3 on a real network (WASIp3's `network: "host"`): a TCP
//! echo through a server the test runs (port in argv[1]), listen + accept
//! between two of its own sockets, a UDP round trip with the test's UDP echo
//! server (port in argv[2]) and between two of its own sockets, a lookup of
//! "localhost", and the error codes of the usual mistakes. Prints one line
//! per check; the test compares them (no port numbers: they change).
//! With argv[1] "leak" it leaves a listener and a UDP socket open at exit.
use p3guests::{read_all, say};
use wasip3::cli::environment;
use wasip3::sockets::ip_name_lookup;
use wasip3::sockets::types::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, TcpSocket,
    UdpSocket,
};
use std::future::IntoFuture;
use wasip3::wit_stream;

struct Net;
wasip3::cli::command::export!(Net);

fn v4(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: (127, 0, 0, 1) })
}

fn v6(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv6(Ipv6SocketAddress { port, flow_info: 0, address: (0, 0, 0, 0, 0, 0, 0, 1), scope_id: 0 })
}

fn port_of(a: &IpSocketAddress) -> u16 {
    match a {
        IpSocketAddress::Ipv4(a) => a.port,
        IpSocketAddress::Ipv6(a) => a.port,
    }
}

/// Sends `data` on a connected socket and closes the sending side (FIN).
async fn send_all(sock: &TcpSocket, data: &[u8]) -> Result<(), ErrorCode> {
    let (mut tx, rx) = wit_stream::new();
    let done = sock.send(rx);
    let data = data.to_vec();
    let (r, ()) = futures::join!(done.into_future(), async {
        let rest = tx.write_all(data).await;
        assert!(rest.is_empty(), "the host dropped the send stream early");
        drop(tx);
    });
    r
}

/// Receives until the peer's FIN; the bytes and the future's result.
async fn receive_all(sock: &TcpSocket) -> (Vec<u8>, Result<(), ErrorCode>) {
    let (rx, done) = sock.receive();
    let (bytes, _) = read_all(rx).await;
    (bytes, done.await)
}

async fn tcp_echo(port: u16) {
    let sock = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("tcp connect {:?}", sock.connect(v4(port)).await)).await;
    say(&format!("tcp remote port ok {}", sock.get_remote_address().map(|a| port_of(&a) == port).unwrap_or(false))).await;
    say(&format!("tcp local bound {}", sock.get_local_address().map(|a| port_of(&a) != 0).unwrap_or(false))).await;
    let message = b"hello over tcp".repeat(10_000);
    let (sent, (echo, received)) = futures::join!(send_all(&sock, &message), receive_all(&sock));
    say(&format!("tcp send {sent:?} receive {received:?} echo same {}", echo == message)).await;
    say(&format!("tcp send again {:?}", sock.send(wit_stream::new().1).await)).await;
    let (rx, done) = sock.receive();
    drop(rx);
    say(&format!("tcp receive again {:?}", done.await)).await;
}

async fn tcp_listen(family: IpAddressFamily, addr: fn(u16) -> IpSocketAddress, label: &str) {
    let server = TcpSocket::create(family).unwrap();
    server.bind(addr(0)).unwrap();
    let port = server.get_local_address().map(|a| port_of(&a)).unwrap();
    let mut accepted = server.listen().unwrap();
    say(&format!("{label} listening {}", server.get_is_listening())).await;
    let client = TcpSocket::create(family).unwrap();
    let (connected, conn) = futures::join!(client.connect(addr(port)), accepted.next());
    let conn = conn.expect("the listen stream ended");
    say(&format!("{label} accept {connected:?} same peer {}", {
        let peer = conn.get_remote_address().map(|a| port_of(&a)).ok();
        peer == client.get_local_address().map(|a| port_of(&a)).ok()
    }))
    .await;
    // Both ways at once, each side closing its sending half when done.
    let (a, b) = futures::join!(
        async {
            let (s, (r, e)) = futures::join!(send_all(&client, b"ping"), receive_all(&client));
            (s, String::from_utf8_lossy(&r).into_owned(), e)
        },
        async {
            let (s, (r, e)) = futures::join!(send_all(&conn, b"pong"), receive_all(&conn));
            (s, String::from_utf8_lossy(&r).into_owned(), e)
        }
    );
    say(&format!("{label} client {a:?} server {b:?}")).await;
    // The port is held while the listener lives: a second bind is refused.
    let other = TcpSocket::create(family).unwrap();
    say(&format!("{label} bind in use {:?}", other.bind(addr(port)))).await;
    // Dropping the listener (its handle and its stream) frees the port.
    drop((accepted, server, conn, client));
    say(&format!("{label} rebind after drop {:?}", other.bind(addr(port)))).await;
}

async fn udp(port: u16) {
    let sock = UdpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("udp receive unbound {:?}", sock.receive().await.err())).await;
    say(&format!("udp send no address {:?}", sock.send(b"x".to_vec(), None).await)).await;
    say(&format!("udp send {:?}", sock.send(b"datagram".to_vec(), Some(v4(port))).await)).await;
    let (data, from) = sock.receive().await.unwrap();
    say(&format!("udp echo {:?} from server {}", String::from_utf8_lossy(&data), port_of(&from) == port)).await;
    // Two of its own sockets, one connected to the other.
    let a = UdpSocket::create(IpAddressFamily::Ipv4).unwrap();
    a.bind(v4(0)).unwrap();
    let a_port = a.get_local_address().map(|x| port_of(&x)).unwrap();
    let b = UdpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("udp connect {:?}", b.connect(v4(a_port)))).await;
    say(&format!("udp remote ok {}", b.get_remote_address().map(|x| port_of(&x) == a_port).unwrap_or(false))).await;
    say(&format!("udp send connected {:?}", b.send(b"one".to_vec(), None).await)).await;
    let (data, from) = a.receive().await.unwrap();
    let b_port = b.get_local_address().map(|x| port_of(&x)).unwrap();
    say(&format!("udp got {:?} from b {}", String::from_utf8_lossy(&data), port_of(&from) == b_port)).await;
    say(&format!("udp send elsewhere {:?}", b.send(b"x".to_vec(), Some(v4(port))).await)).await;
    say(&format!("udp disconnect {:?} again {:?}", b.disconnect(), b.disconnect())).await;
    say(&format!("udp bind twice {:?}", a.bind(v4(0)))).await;
    let c = UdpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("udp bind in use {:?}", c.bind(v4(a_port)))).await;
    say(&format!("udp bind wrong family {:?}", c.bind(v6(0)))).await;
    say(&format!("udp hop limit {:?} {:?}", a.set_unicast_hop_limit(0), a.set_unicast_hop_limit(9).and_then(|()| a.get_unicast_hop_limit()))).await;
}

async fn errors() {
    // A port bound but not listening refuses connections.
    let holder = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
    holder.bind(v4(0)).unwrap();
    let closed = holder.get_local_address().map(|a| port_of(&a)).unwrap();
    let sock = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("connect refused {:?}", sock.connect(v4(closed)).await)).await;
    say(&format!("connect after failure {:?}", sock.connect(v4(closed)).await)).await;
    let sock = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
    say(&format!("remote unbound {:?}", sock.get_remote_address())).await;
    say(&format!("local unbound {:?}", sock.get_local_address())).await;
    say(&format!("connect port 0 {:?}", sock.connect(v4(0)).await)).await;
    say(&format!("connect wrong family {:?}", sock.connect(v6(80)).await)).await;
    say(&format!("bind multicast {:?}", sock.bind(IpSocketAddress::Ipv4(Ipv4SocketAddress { port: 0, address: (224, 0, 0, 1) })))).await;
    say(&format!("bind {:?} twice {:?}", sock.bind(v4(0)), sock.bind(v4(0)))).await;
    let (rx, done) = sock.receive();
    drop(rx);
    say(&format!("receive unconnected {:?}", done.await)).await;
    say(&format!("send unconnected {:?}", sock.send(wit_stream::new().1).await)).await;
    say(&format!("keep-alive {:?} {:?}", sock.set_keep_alive_enabled(true), sock.get_keep_alive_enabled())).await;
    say(&format!("idle zero {:?}", sock.set_keep_alive_idle_time(0))).await;
    say(&format!("backlog zero {:?}", sock.set_listen_backlog_size(0))).await;
    say(&format!("listen {:?} twice {:?}", sock.listen().map(|_| ()), sock.listen().map(|_| ()))).await;
    say(&format!("connect listening {:?}", sock.connect(v4(closed)).await)).await;
    say(&format!("family {:?}", sock.get_address_family())).await;
}

async fn lookup() {
    let found = ip_name_lookup::resolve_addresses("localhost".into()).await;
    let loopback = found.as_ref().map(|list| {
        list.iter().any(|a| matches!(a, IpAddress::Ipv4((127, 0, 0, 1)) | IpAddress::Ipv6((0, 0, 0, 0, 0, 0, 0, 1))))
    });
    say(&format!("lookup localhost {loopback:?}")).await;
    say(&format!("lookup literal {:?}", ip_name_lookup::resolve_addresses("::1".into()).await)).await;
    say(&format!("lookup bad {:?}", ip_name_lookup::resolve_addresses("not a name!".into()).await)).await;
    say(&format!("lookup missing {:?}", ip_name_lookup::resolve_addresses("no-such-host.invalid".into()).await)).await;
}

impl wasip3::exports::cli::run::Guest for Net {
    async fn run() -> Result<(), ()> {
        let args = environment::get_arguments();
        if args[1] == "leak" {
            // A listener and a UDP socket left open when run returns: the host must close them.
            let server = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
            server.bind(v4(0)).unwrap();
            let stream = server.listen().unwrap();
            let udp = UdpSocket::create(IpAddressFamily::Ipv4).unwrap();
            udp.bind(v4(0)).unwrap();
            let port = server.get_local_address().map(|a| port_of(&a)).unwrap();
            let udp_port = udp.get_local_address().map(|a| port_of(&a)).unwrap();
            say(&format!("leak {port} {udp_port}")).await;
            std::mem::forget((server, stream, udp));
            return Ok(());
        }
        let tcp_port: u16 = args[1].parse().unwrap();
        let udp_port: u16 = args[2].parse().unwrap();
        tcp_echo(tcp_port).await;
        tcp_listen(IpAddressFamily::Ipv4, v4, "tcp4").await;
        tcp_listen(IpAddressFamily::Ipv6, v6, "tcp6").await;
        udp(udp_port).await;
        errors().await;
        lookup().await;
        Ok(())
    }
}

fn main() {
    unreachable!("the 0.3 run export is the entry point");
}
