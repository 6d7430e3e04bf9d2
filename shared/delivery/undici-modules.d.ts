// undici ships types for its package entry only; this module is what that entry exports.
declare module 'undici/lib/dispatcher/agent.js' {
  const Agent: unknown;
  export default Agent;
}
