// One skip-or-fail rule for every gated test (apps/api/test/support/host-gate.ts).
export { describeOnHost } from '../../../../api/test/support/host-gate';
