// example3b: the original's example3a login form, against real accounts. The form logs this tab in
// with app.loginTab (rate-limited and audited like /login); admins see a live list of every
// logged-in tab. Create accounts from /admin (the first admin with the setup link the server
// prints). Run: bun run examples/example3b.ts
import { App, dcc, html, Input, Output, State, DashDevicesError } from "../src/index.ts";

const app = new App({ title: "Example 3b" });

const loginLayout = html.Div([
  html.Div("Username:"),
  dcc.Input({ id: "username", type: "text", value: "" }),
  html.Div("Password:"),
  dcc.Input({ id: "password", type: "password", value: "" }),
  html.Button("Submit", { id: "submit" }),
  html.Div({ id: "message" }),
]);
const authenticatedLayout = (name: string, role: string) =>
  html.Div([
    html.Div(`You've successfully logged in as ${name} (${role})!`),
    html.Button("Logout", { id: "logout" }),
    html.Div({ id: "admin_content" }),
  ]);

app.layout = html.Div(html.Div({ id: "content" }), { id: "main" });
app.validationLayout = [loginLayout, authenticatedLayout("", "")];

function updateAdmins() {
  const lines = [...app.clients]
    .filter((c) => c.user)
    .map((c) => html.Div(`${c.user!.role}: ${c.user!.username} ${c.ip} ${c.connectTime.toLocaleString()}`));
  for (const c of app.clients)
    if (c.authentication === "admin") app.pushMods({ admin_content: { children: [html.Div("Users currently logged in:"), ...lines] } }, c);
}
app.callbackAuthorizeOutput((client, id) => id !== "admin_content" || client.authentication === "admin");

app.callback(Output("content", "children"), Input("main", "children"), () => loginLayout);

app.callback(
  null,
  Input("submit", "n_clicks"),
  State("username", "value"),
  State("password", "value"),
  async (_n: number, username: string, password: string, ctx) => {
    try {
      const me = await app.loginTab(ctx.client, username, password);
      setTimeout(updateAdmins, 0);
      return Output("content", "children", authenticatedLayout(me.username, me.role));
    } catch (e) {
      const why = e instanceof DashDevicesError ? e.detail.what : "login failed";
      return [Output("message", "children", why), Output("password", "value", "")];
    }
  },
);

app.callback(null, Input("logout", "n_clicks"), async (_n: number, ctx) => {
  await app.logoutTab(ctx.client);
  setTimeout(updateAdmins, 0);
  return Output("content", "children", loginLayout);
});

app.callbackConnect((_c, connected) => {
  if (!connected) setTimeout(updateAdmins, 0);
});

app.run({ port: 5000 });
