// example3: a login form with regular callbacks and alternate outputs (the original's example3.py).
// Each tab logs in on its own. The submit callback declares no output: it returns
// Output("content", "children", ...) when the credentials are right, and three other Outputs
// (a message, and both boxes cleared) when they are wrong. Try username / password.
// Run: bun run examples/example3.ts
import { App, dcc, html, Input, Output, State } from "../src/index.ts";

const app = new App({ title: "Example 3" });

const loginLayout = html.Div([
  html.Div("Username:"),
  dcc.Input({ id: "username", type: "text", value: "" }),
  html.Div("Password:"),
  dcc.Input({ id: "password", type: "password", value: "" }),
  html.Button("Submit", { id: "submit" }),
  html.Div({ id: "message" }),
]);

const authenticatedLayout = html.Div([html.Div("You've successfully logged in!"), html.Button("Logout", { id: "logout" })]);

app.layout = html.Div(html.Div({ id: "content" }), { id: "main" });
// Components that callbacks put into the page later, so their ids are checked at start.
app.validationLayout = [loginLayout, authenticatedLayout];

app.callback(Output("content", "children"), Input("main", "children"), () => loginLayout);

app.callback(
  null,
  Input("submit", "n_clicks"),
  State("username", "value"),
  State("password", "value"),
  (_n: number, username: string, password: string) => {
    if (username === "username" && password === "password") return Output("content", "children", authenticatedLayout);
    return [
      Output("message", "children", 'Incorrect (hint: username="username", password="password")'),
      Output("password", "value", ""),
      Output("username", "value", ""),
    ];
  },
);

app.callback(null, Input("logout", "n_clicks"), () => Output("content", "children", loginLayout));

app.run({ port: 5000 });
