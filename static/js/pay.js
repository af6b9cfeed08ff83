// The pay page (templates/billing/bills/pay.html): Stripe.js collects the card, the server
// creates and confirms the payment; kept out of the page so the CSP needs no inline script.
(function () {
  const root = document.getElementById('online-pay');
  const M = JSON.parse(root.dataset.messages);
  const stripe = Stripe(root.dataset.key);
  const card = stripe.elements().create('card');
  card.mount('#card-element');
  const form = document.getElementById('pay-form');
  const button = document.getElementById('pay-button');
  const box = document.getElementById('pay-message');

  function show(text, kind) {
    box.className = 'mt-3 alert alert-' + kind;
    box.textContent = text;
  }

  async function paymentMethodId() {
    const made = await stripe.createPaymentMethod({type: 'card', card: card});
    if (made && made.error) { throw made.error; }
    if (made && made.paymentMethod) { return made.paymentMethod.id; }
    // localstripe's mock Stripe.js has no createPaymentMethod; its card token's card id serves.
    const token = await stripe.createToken(card);
    if (token.error) { throw token.error; }
    return token.token.card.id;
  }

  async function pay() {
    const method = await paymentMethodId();
    const response = await fetch(root.dataset.url, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
                'X-CSRFToken': root.dataset.csrf},
      body: JSON.stringify({payment_method: method}),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { throw (body.error || {message: M.failed}); }
    if (body.status === 'requires_action') {  // 3-D Secure: Stripe.js shows the bank's check
      const done = await stripe.confirmCardPayment(body.client_secret, {payment_method: method});
      if (done.error) { throw done.error; }
      return done.paymentIntent.status;
    }
    return body.status;
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    button.disabled = true;
    show(M.working, 'info');
    try {
      const status = await pay();
      if (status === 'succeeded') {
        show(M.received, 'success');
      } else if (status === 'processing') {
        show(M.processing, 'info');
      } else {
        throw {message: M.failed};
      }
      form.remove();
    } catch (error) {
      show((error && error.message) || M.failed, 'danger');
      button.disabled = false;
    }
  });
})();
