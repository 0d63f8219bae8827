// example3a: example3 plus client awareness (the original's example3a.py). Logging in sets
// ctx.client.authentication ("user" for username/password, "admin" for admin/admin). Admin tabs see
// a live list of every logged-in tab ("<auth>: <address> <connect time>"), pushed to them with
// app.pushMods(mods, client) whenever someone logs in, logs out or closes their tab; other tabs
// never receive it (app.callbackAuthorizeOutput). Run: bun run examples/example3a.ts
import { App, dcc, html, Input, Output, State, type Client } from "../src/index.ts";

const app = new App({ title: "Example 3a" });

const loginLayout = html.Div([
  html.Div("Username:"),
  dcc.Input({ id: "username", type: "text", value: "" }),
  html.Div("Password:"),
  dcc.Input({ id: "password", type: "password", value: "" }),
  html.Button("Submit", { id: "submit" }),
  html.Div({ id: "message" }),
]);

const authenticatedLayout = html.Div([
  html.Div("You've successfully logged in!"),
  html.Button("Logout", { id: "logout" }),
  html.Div({ id: "admin_content" }),
]);

app.layout = html.Div(html.Div({ id: "content" }), { id: "main" });
app.validationLayout = [loginLayout, authenticatedLayout];

function loggedInList() {
  const lines = [...app.clients]
    .filter((c) => c.authentication)
    .map((c) => html.Div(`${c.authentication}: ${c.ip} ${c.connectTime.toLocaleString()}`));
  return [html.Div("Users currently logged in:"), ...lines];
}

function updateAdmins() {
  const list = loggedInList();
  for (const c of app.clients) if (c.authentication === "admin") app.pushMods({ admin_content: { children: list } }, c);
}

// Only admins may receive the admin panel, whatever pushes or callbacks try.
app.callbackAuthorizeOutput((client: Client, outputId: string) => outputId !== "admin_content" || client.authentication === "admin");

app.callback(Output("content", "children"), Input("main", "children"), () => loginLayout);

app.callback(
  null,
  Input("submit", "n_clicks"),
  State("username", "value"),
  State("password", "value"),
  (_n: number, username: string, password: string, ctx) => {
    let auth: string | undefined;
    if (username === "username" && password === "password") auth = "user";
    else if (username === "admin" && password === "admin") auth = "admin";
    if (!auth) {
      return [
        Output("message", "children", 'Incorrect (hint: username="username", password="password")'),
        Output("password", "value", ""),
        Output("username", "value", ""),
      ];
    }
    ctx.client.authentication = auth;
    queueMicrotask(updateAdmins);
    return Output("content", "children", authenticatedLayout);
  },
);

app.callback(null, Input("logout", "n_clicks"), (_n: number, ctx) => {
  ctx.client.authentication = undefined;
  queueMicrotask(updateAdmins);
  return Output("content", "children", loginLayout);
});

app.callbackConnect((_client, connected) => {
  if (!connected) updateAdmins();
});

app.run({ port: 5000 });
