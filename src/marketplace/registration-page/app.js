// Registration page: the landing endpoint resolved the Marketplace token already and 302s here with a signed,
// HttpOnly session cookie (the token never appears in this URL). The page builds the form from the configured
// fields (config.js) and posts JSON to the registration endpoint, which acts on that session. No framework; served
// minified (npm run bundle → build/registration-page/).
(function () {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied.
  'use strict';
  var cfg = window.SBT_MARKETPLACE_REGISTRATION || {};
  var required = cfg.requiredFields || [];
  var optional = cfg.optionalFields || [];
  var registerUrl = cfg.registerUrl || '/register';
  var params = new URLSearchParams(window.location.search);
  var session = params.get('session');
  var offerType = params.get('x-amzn-marketplace-offer-type');
  var form = document.getElementById('registration');
  var fieldsEl = document.getElementById('fields');
  var status = document.getElementById('status');
  var submit = document.getElementById('submit');

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }
  function label(name) {
    var words = name
      .replace(/[_-]+/g, ' ')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .trim();
    return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
  }
  function typeOf(name) {
    if (/email/i.test(name)) return 'email';
    if (/phone/i.test(name)) return 'tel';
    return 'text';
  }
  if (cfg.productName) document.getElementById('title').textContent = 'Set up your ' + cfg.productName + ' account';
  if (!session) {
    say(
      'Registration session missing. Please go to AWS Marketplace and choose "Set up your account" to open this page.',
      'error',
    );
    return;
  }
  if (offerType === 'free-trial')
    document.getElementById('intro').textContent +=
      ' Your free trial starts once AWS Marketplace confirms the subscription.';

  required.concat(optional).forEach(function (name) {
    var isRequired = required.indexOf(name) >= 0;
    var wrap = document.createElement('div');
    var l = document.createElement('label');
    l.htmlFor = 'f-' + name;
    l.textContent = label(name) + (isRequired ? '' : ' (optional)');
    var input = document.createElement('input');
    input.id = 'f-' + name;
    input.name = name;
    input.type = typeOf(name);
    input.maxLength = 256;
    if (isRequired) input.required = true;
    var hint = document.createElement('div');
    hint.className = 'hint';
    hint.id = 'h-' + name;
    input.setAttribute('aria-describedby', hint.id);
    wrap.appendChild(l);
    wrap.appendChild(input);
    wrap.appendChild(hint);
    fieldsEl.appendChild(wrap);
  });
  form.hidden = false;

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {};
    var ok = true;
    required.concat(optional).forEach(function (name) {
      var input = document.getElementById('f-' + name);
      var hint = document.getElementById('h-' + name);
      var v = input.value.trim();
      var bad = (input.required && !v) || (v && input.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v));
      input.setAttribute('aria-invalid', bad ? 'true' : 'false');
      hint.textContent = bad ? (v ? 'Enter a valid e-mail address' : 'Required') : '';
      if (bad) ok = false;
      if (v) body[name] = v;
    });
    if (!ok) {
      say('Please fix the highlighted fields.', 'error');
      return;
    }
    submit.disabled = true;
    say('Registering…');
    fetch(registerUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { res: res, data: data };
          });
      })
      .then(function (r) {
        if (r.res.ok) {
          say(r.data.message || 'Registration complete.', 'ok');
          form.hidden = true;
        } else {
          say(
            r.data.message || 'Registration failed (' + r.res.status + '). Please try again or contact support.',
            'error',
          );
          submit.disabled = false;
        }
      })
      .catch(function () {
        say('Could not reach the registration service. Please try again.', 'error');
        submit.disabled = false;
      });
  });
})();
