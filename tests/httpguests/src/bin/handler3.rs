//! A WASI 0.3 wasi:http/handler for `wasi-web serve`'s tests.
//!
//!   /hello   200 "hello from wasi 0.3\n", header x-handler: rust-p3
//!   /echo    201, the request body streamed back, trailer x-trailer: done
//!   /own-body  200: the bodies and trailers of a request and a response it made
//!              itself, read back through consume-body: "request: .. trailer ..;
//!              response: .. trailer .."
//!   other    404
use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_bindgen, wit_future, wit_stream};

wasip3::http::service::export!(Handler3);

struct Handler3;

impl wasip3::exports::http::handler::Guest for Handler3 {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path = request.get_path_with_query().unwrap_or_default();
        let (mut body_tx, body_rx) = wit_stream::new();
        match path.as_str() {
            "/hello" => {
                let headers =
                    Fields::from_list(&[("x-handler".into(), b"rust-p3".to_vec())]).unwrap();
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let (response, _sent) = Response::new(headers, Some(body_rx), trailers_rx);
                drop(trailers_tx);
                wit_bindgen::spawn_local(async move {
                    let rest = body_tx.write_all(b"hello from wasi 0.3\n".to_vec()).await;
                    assert!(rest.is_empty());
                });
                Ok(response)
            }
            "/echo" => {
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let (response, _sent) = Response::new(Fields::new(), Some(body_rx), trailers_rx);
                response.set_status_code(201).unwrap();
                let (_res_tx, res_rx) = wit_future::new(|| Ok(()));
                let (mut incoming, _trailers) = Request::consume_body(request, res_rx);
                wit_bindgen::spawn_local(async move {
                    loop {
                        let (result, chunk) = incoming.read(Vec::with_capacity(65536)).await;
                        if !chunk.is_empty() {
                            let rest = body_tx.write_all(chunk).await;
                            assert!(rest.is_empty());
                        }
                        match result {
                            wit_bindgen::StreamResult::Complete(_) => {}
                            _ => break,
                        }
                    }
                    drop(body_tx);
                    let trailers =
                        Fields::from_list(&[("x-trailer".into(), b"done".to_vec())]).unwrap();
                    trailers_tx.write(Ok(Some(trailers))).await.unwrap();
                });
                Ok(response)
            }
            "/own-body" => {
                drop(body_tx);
                let request_part = own_request_body().await;
                let response_part = own_response_body().await;
                let text = format!("request: {request_part}; response: {response_part}");
                let (mut tx, rx) = wit_stream::new();
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let (response, _sent) = Response::new(Fields::new(), Some(rx), trailers_rx);
                drop(trailers_tx);
                wit_bindgen::spawn_local(async move {
                    let rest = tx.write_all(text.into_bytes()).await;
                    assert!(rest.is_empty());
                });
                Ok(response)
            }
            _ => {
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let (response, _sent) = Response::new(Fields::new(), None, trailers_rx);
                response.set_status_code(404).unwrap();
                drop(trailers_tx);
                drop(body_tx);
                Ok(response)
            }
        }
    }
}

/// A body stream with `bytes` and a trailers future with `x-own: <name>`.
fn own_parts(
    bytes: &'static [u8],
    name: &'static str,
) -> (
    wit_bindgen::StreamReader<u8>,
    wit_bindgen::FutureReader<Result<Option<Fields>, ErrorCode>>,
) {
    let (mut tx, rx) = wit_stream::new();
    wit_bindgen::spawn_local(async move {
        let rest = tx.write_all(bytes.to_vec()).await;
        assert!(rest.is_empty());
    });
    let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    wit_bindgen::spawn_local(async move {
        let t = Fields::from_list(&[("x-own".into(), name.as_bytes().to_vec())]).unwrap();
        let _ = trailers_tx.write(Ok(Some(t))).await;
    });
    (rx, trailers_rx)
}

/// What consume-body gives back: the body as text and the x-own trailer.
async fn read_back(
    body: wit_bindgen::StreamReader<u8>,
    trailers: wit_bindgen::FutureReader<Result<Option<Fields>, ErrorCode>>,
) -> String {
    let bytes = body.collect().await;
    let trailer = match trailers.await {
        Ok(Some(t)) => String::from_utf8_lossy(&t.get("x-own").concat()).into_owned(),
        Ok(None) => "none".into(),
        Err(e) => format!("{e:?}"),
    };
    format!("{} trailer {trailer}", String::from_utf8_lossy(&bytes))
}

async fn own_request_body() -> String {
    let (body, trailers) = own_parts(b"req-body", "request");
    let (request, sent) = Request::new(Fields::new(), Some(body), trailers, None);
    let (res_tx, res_rx) = wit_future::new(|| Ok(()));
    let (body, trailers) = Request::consume_body(request, res_rx);
    let text = read_back(body, trailers).await;
    // What the consumer reports settles the future request.new gave.
    let _ = res_tx.write(Ok(())).await;
    let sent = sent.await;
    format!("{text} sent {sent:?}")
}

async fn own_response_body() -> String {
    let (body, trailers) = own_parts(b"resp-body", "response");
    let (response, _sent) = Response::new(Fields::new(), Some(body), trailers);
    let (_res_tx, res_rx) = wit_future::new(|| Ok(()));
    let (body, trailers) = Response::consume_body(response, res_rx);
    read_back(body, trailers).await
}

fn main() {
    unreachable!("the handler export is the entry point");
}
