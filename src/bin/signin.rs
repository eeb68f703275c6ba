//! The first visit to `/signin`: the sign-in page's own small app (`signin.html`) takes the
//! place of the pre-rendered page, keeping what the person typed into it meanwhile.

use farewell::{prerendered, sign_in_app::SignInApp};
use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    farewell::timing::watch_input();
    let (typed, focus) = prerendered::take_over();
    leptos::mount::mount_to_body(move || view! { <SignInApp typed /> });
    if let Some(focus) = focus {
        focus.restore();
    }
}
