//! Mounts the app on `<body>`; everything else lives in the library.

fn main() {
    console_error_panic_hook::set_once();
    farewell::timing::watch_input();
    leptos::mount::mount_to_body(farewell::app::App);
}
