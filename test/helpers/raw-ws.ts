/**
 * A WebSocket client that can stop reading (a bare TCP client): what a broken or hostile tab
 * does to the server. The implementation is shared with the flood bench.
 */
export { RawWs, textFrame } from "../../scripts/bench/raw-ws.ts";
