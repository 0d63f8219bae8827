// `.sql` files imported `with { type: "text" }` are their text (embedded by `bun build --compile`).
declare module "*.sql" {
  const text: string;
  export default text;
}
