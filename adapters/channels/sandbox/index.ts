import type { PaymentChannelPlugin } from '../../../core/ports/index.js';
import { parseSandboxNotification, SANDBOX_ID, sandboxPayAction } from './transformers.js';

/**
 * The sandbox payment channel: lets the whole pay-in path run with no outside service. Its
 * pay action is a QR of its own pay URL; the cashier's "Simulate payment" button (dev mode)
 * posts to that URL, which arrives as a notification this plugin verifies. Core only
 * activates it while SANDBOX_CHANNEL is on (the default outside production).
 */
export const sandboxChannel: PaymentChannelPlugin = {
  id: SANDBOX_ID,
  displayName: 'Sandbox (simulated payer)',
  async planPayAction(request, context) {
    return { action: sandboxPayAction(request, context.signingKey) };
  },
  async notify(input, context) {
    return parseSandboxNotification(input, context.signingKey);
  },
};
