//! The static baseline's form (xtask/src/bench/mod.rs), mounted by Leptos: no router, no
//! signals, no styles, no requests.

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        view! {
            <main>
                <h1>"Sign in"</h1>
                <form method="post">
                    <label for="login">"Email or phone number"</label>
                    <input id="login" name="login" autocomplete="username" />
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" />
                    <button type="submit">"Sign in"</button>
                </form>
            </main>
        }
    });
}
