/** How a delivery reaches the firm's system; the job layer gives the core an HTTP client. */
export interface WebhookTransport {
  /**
   * POSTs the body with the headers to the URL and resolves with the HTTP status, whatever it is; rejects only when
   * no answer came (refused, reset, timed out), with the reason in the error's message.
   */
  post(request: { url: string; headers: Record<string, string>; body: string }): Promise<{ status: number }>;
}
