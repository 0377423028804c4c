/** One capability as detected: `probed` is false when it was inferred because the probe tool is missing. */
export interface ProbedCapability {
  available: boolean;
  probed: boolean;
  reason: string;
  fix: string | null;
}
