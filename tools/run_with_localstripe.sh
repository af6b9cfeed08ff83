#!/usr/bin/env bash
# Serve the demo with online payment against localstripe (a fake Stripe) on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOCALSTRIPE_PORT:-8420}
mkdir -p instance
.venv/bin/python tests/billing/run_localstripe.py "$PORT" > instance/localstripe.log 2>&1 &
LOCALSTRIPE=$!
trap 'kill $LOCALSTRIPE 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/customers" && break
  sleep 0.2
done
export STRIPE_SECRET_KEY=sk_test_local STRIPE_PUBLISHABLE_KEY=pk_test_local \
       STRIPE_WEBHOOK_SECRET=whsec_local STRIPE_API_BASE="http://127.0.0.1:$PORT" \
       STRIPE_JS_URL="http://127.0.0.1:$PORT/js.stripe.com/v3/"
curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/_config/webhooks/propmgmt" \
     -d url=http://127.0.0.1:5000/payments/stripe/webhook -d secret=whsec_local
echo "localstripe on http://127.0.0.1:$PORT (test card 4242 4242 4242 4242; 4000 0000 0000 0341 declines)"
.venv/bin/flask --app propmgmt run --host 127.0.0.1 --port 5000
