import type { Screen } from "./screen.js";

/**
 * The customer display as the checkout sees it. `show` replaces whatever is on screen; calls
 * are drawn in order. It rejects with an `AgentError<DisplayErrorCode>` when the screen is
 * invalid (`DISPLAY_BAD_SCREEN`, nothing drawn) or the device cannot be written
 * (`DISPLAY_WRITE_FAILED`; the next `show` tries the device again). A display problem must
 * never stop a payment: callers log it and go on.
 */
export interface CustomerDisplay {
  show(screen: Screen): Promise<void>;
  /** Restores the cursor and releases the device. Later `show` calls reject with `DISPLAY_CLOSED`. */
  close(): Promise<void>;
}
