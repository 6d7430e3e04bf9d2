/** One copy-ready verification snippet. */
export interface Snippet {
  readonly language: string;
  readonly install: string;
  readonly code: string;
}

/**
 * How a receiver checks a delivery with the Standard Webhooks libraries, in Node, Python and
 * Go, with this endpoint's secret filled in. Each verifies the raw body against the
 * `webhook-id`, `webhook-timestamp` and `webhook-signature` headers; during a rotation's grace
 * period a delivery carries one signature per secret, so the old and the new secret both pass.
 */
export function verifySnippets(secret: string): Snippet[] {
  return [
    {
      language: 'Node.js',
      install: 'npm install standardwebhooks',
      code: `import { Webhook } from 'standardwebhooks';

const wh = new Webhook('${secret}');

// rawBody: the request body exactly as received (a string), not re-serialized JSON.
export function verify(rawBody, headers) {
  // Throws unless a signature matches and the timestamp is within 5 minutes.
  return wh.verify(rawBody, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
}`,
    },
    {
      language: 'Python',
      install: 'pip install standardwebhooks',
      code: `from standardwebhooks.webhooks import Webhook

wh = Webhook("${secret}")

def verify(raw_body: bytes, headers) -> dict:
    # Raises WebhookVerificationError unless a signature matches.
    return wh.verify(raw_body, {
        "webhook-id": headers["webhook-id"],
        "webhook-timestamp": headers["webhook-timestamp"],
        "webhook-signature": headers["webhook-signature"],
    })`,
    },
    {
      language: 'Go',
      install: 'go get github.com/standard-webhooks/standard-webhooks/libraries',
      code: `import (
	"io"
	"net/http"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

func verify(r *http.Request) ([]byte, error) {
	wh, err := standardwebhooks.NewWebhook("${secret}")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	// Fails unless a signature matches and the timestamp is recent.
	return body, wh.Verify(body, r.Header)
}`,
    },
  ];
}
