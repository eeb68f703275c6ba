//! Serves the built app: hashed assets (brotli/gzip when precompressed) and `index.html` for
//! every other path, so client-side routes survive a reload. (`/signin`, when the build has
//! its own pages, is served by `sign_in_page`.)

use std::path::Path;

use axum::{
    Router,
    http::{HeaderValue, header},
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

pub fn router(dist: &Path) -> Router {
    let page = |name: &str| ServeFile::new(dist.join(name)).precompressed_br().precompressed_gzip();
    let files =
        ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(page("index.html"));
    // Asset names carry a content hash, but the pages' do not: browsers must revalidate.
    Router::new().fallback_service(files).layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    ))
}
