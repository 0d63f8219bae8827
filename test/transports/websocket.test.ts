// The transport contract (./common.case.ts) over the WebSocket.
import { WsClient } from "../helpers/ws-client.ts";
import { runTransportContract } from "./common.case.ts";

runTransportContract({ name: "websocket", connect: (srv) => WsClient.connect(srv.wsUrl, { version: srv.app.runtime.version }) });
