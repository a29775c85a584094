/**
 * Moments in the agent's life, for measuring what the agent itself adds to a sale's latency
 * (`npm run bench`) or for any other observer. `at` is `performance.now()` (monotonic, ms).
 * No personal data: operation names and references only.
 */
export type AgentTrace =
  | { readonly kind: "checkin"; readonly at: number }
  | { readonly kind: "payment_event"; readonly name: string; readonly reference: string; readonly at: number }
  | { readonly kind: "vipps_request"; readonly op: string; readonly at: number }
  | { readonly kind: "vipps_response"; readonly op: string; readonly at: number }
  | {
      readonly kind: "register_report";
      readonly saleId: string;
      readonly state: string;
      readonly at: number;
    };
