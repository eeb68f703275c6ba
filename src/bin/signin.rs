//! The first visit to `/signin`: mounts the sign-in page's own small app (`signin.html`).

fn main() {
    console_error_panic_hook::set_once();
    farewell::timing::watch_input();
    leptos::mount::mount_to_body(farewell::sign_in_app::SignInApp);
}
