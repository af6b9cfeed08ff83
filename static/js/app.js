// Small behaviours every page shares, kept out of the HTML so the CSP needs no inline script.
document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
  select.addEventListener('change', function () { select.form.submit(); });
});
