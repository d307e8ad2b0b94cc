/**
 * The dashboard's escaping and sessions, in process: every interpolated value is escaped unless
 * built by `html`; a one-time token logs in once; a wrong token never; each session has its own
 * form token; the cookie is HttpOnly and SameSite=Strict.
 * @module
 */
import assert from "node:assert/strict";
import { html } from "../../src/ui/html.ts";
import { sessionCookie, UiSessions } from "../../src/ui/session.ts";

Deno.test("html escapes text in content and attributes, keeps markup it built", () => {
  const payload = `<script>alert("x")</script>&'`;
  const inner = html`<b>${payload}</b>`;
  const page = html`<p title="${payload}">${inner}${[payload, 3, null, false]}</p>`;
  assert.equal(
    page.text,
    `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"><b>&lt;script&gt;` +
      `alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script` +
      `&gt;&amp;&#39;3</p>`,
  );
});

Deno.test("a one-time token logs in once; sessions are found by their cookie", () => {
  const sessions = new UiSessions({ kind: "one-time", token: "t0ken-one-time-0123456789" });
  assert.equal(sessions.login("wrong"), undefined);
  const session = sessions.login("t0ken-one-time-0123456789");
  assert.ok(session);
  assert.equal(sessions.login("t0ken-one-time-0123456789"), undefined);
  const request = (value: string, origin = "http://127.0.0.1:8809") =>
    new Request(`${origin}/ui/runs`, { headers: { cookie: value } });
  const cookie = sessions.cookieFor(request(""), session);
  assert.match(
    cookie,
    /^orchestrator_ui_8809=[^;]+; Path=\/ui; HttpOnly; SameSite=Strict; Max-Age=/,
  );
  assert.equal(sessions.find(request(`orchestrator_ui_8809=${session.id}`)), session);
  assert.equal(sessions.find(request(`orchestrator_ui_8809=forged`)), undefined);
  // Another port's dashboard has a cookie of its own, so the two do not replace each other's.
  assert.equal(sessionCookie(request("", "http://127.0.0.1:8801")), "orchestrator_ui_8801");
  assert.equal(sessionCookie(request("", "http://localhost")), "orchestrator_ui_80");
  sessions.end(session);
  assert.equal(sessions.find(request(`orchestrator_ui_8809=${session.id}`)), undefined);
});

Deno.test("the server's token logs in any number of times, each session its own form token", () => {
  const sessions = new UiSessions({ kind: "token", token: "server-token-0123456789" });
  const a = sessions.login("server-token-0123456789");
  const b = sessions.login("server-token-0123456789");
  assert.ok(a && b);
  assert.notEqual(a.csrf, b.csrf);
  const bearer = sessions.find(
    new Request("http://127.0.0.1/ui/runs", {
      headers: { authorization: "Bearer server-token-0123456789" },
    }),
  );
  assert.equal(bearer?.csrf, ""); // reads pages, never posts a form
  assert.equal(sessions.login("server-token-012345678"), undefined);
});
