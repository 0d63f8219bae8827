// Files imported `with { type: "file" }` resolve to their path (embedded in compiled binaries).
declare module "htmx.org/dist/*.js" {
  const path: string;
  export default path;
}
declare module "../../public/*" {
  const path: string;
  export default path;
}
declare module "*dash-devices.js" {
  const path: string;
  export default path;
}
declare module "*graph.js" {
  const path: string;
  export default path;
}
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "uplot/dist/*.js" {
  const path: string;
  export default path;
}
declare module "*clientside.js" {
  const path: string;
  export default path;
}
