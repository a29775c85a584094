import { esc, page } from "./html.js";

/** The password form; `problem` is one fixed sentence, never an echo of what was typed. */
export function loginPage(input: { readonly problem?: string; readonly next?: string }): string {
  const body = `<form class="login" method="post" action="/login">
<h2>Log in</h2>
${input.problem === undefined ? "" : `<p class="error" role="alert">${esc(input.problem)}</p>`}
<label>User<input name="user" autocomplete="username" required maxlength="64" autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<input type="hidden" name="next" value="${esc(input.next ?? "/")}">
<button type="submit" class="primary">Log in</button>
</form>`;
  return page({ title: "Fleet — log in", body });
}
