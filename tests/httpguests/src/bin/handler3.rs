//! A WASI 0.3 wasi:http/handler for `wasi-web serve`'s tests.
//!
//!   /hello   200 "hello from wasi 0.3\n", header x-handler: rust-p3
//!   /echo    201, the request body streamed back, trailer x-trailer: done
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

fn main() {
    unreachable!("the handler export is the entry point");
}
