// The transport contract (./common.case.ts) over the HTTP service: posts up, Server-Sent Events down.
import { HttpClient } from "../helpers/http-client.ts";
import { runTransportContract } from "./common.case.ts";

runTransportContract({ name: "http", connect: (srv) => HttpClient.connect(srv.url, { version: srv.app.runtime.version }) });
