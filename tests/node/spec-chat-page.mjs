// The spec's chat page, as a handler that records what it would show.

/**
 * The spec's chat `ws.onmessage` handler (nadoo-websocket-api.txt, "Client
 * Example"), verbatim but for the UI functions, which record what the page
 * would have shown in `shown`.
 */
export function specChatPage() {
  const shown = { sessionReady: [], typingIndicators: [], responseChunks: [], sources: [], errors: [], log: [] };
  const console = { log: (...args) => shown.log.push(args.join(' ')), error: (...args) => shown.errors.push(args) };
  const appendToResponse = (text) => shown.responseChunks.push(text);
  const showSources = (sources) => shown.sources.push(sources);
  const showTypingIndicator = (userId) => shown.typingIndicators.push(userId);

  const onmessage = (event) => {
    const data = JSON.parse(event.data);
    switch (data.type) {
      case 'connected':
        console.log('Session ready:', data.session_id);
        shown.sessionReady.push(data);
        break;
      case 'response_start':
        console.log('AI is responding...');
        break;
      case 'text-delta':
        appendToResponse(data.text);
        break;
      case 'sources':
        showSources(data.sources);
        break;
      case 'response_end':
        console.log(`Done. Tokens: ${data.tokens_used}`);
        break;
      case 'typing':
        showTypingIndicator(data.user_id);
        break;
      case 'error':
        console.error('Error:', data.message);
        break;
    }
  };
  return { shown, onmessage };
}
