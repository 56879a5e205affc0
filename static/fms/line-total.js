// The live line total of the line form: quantity × unit cost, exact in cents (BigInt, never a
// float), grouped like the server's. A hint only: the server computes the total that is saved.
(function () {
  "use strict";
  const quantity = document.getElementById("id_quantity");
  const cost = document.getElementById("id_unit_cost");
  const out = document.getElementById("line-total");
  if (!quantity || !cost || !out) return;

  function cents(text) {
    const m = /^\s*\$?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{0,2}))?\s*$/.exec(text);
    if (!m) return null;
    return BigInt(m[1].replace(/,/g, "")) * 100n + BigInt((m[2] || "").padEnd(2, "0"));
  }

  function dollars(amount) {
    const whole = (amount / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return "$" + whole + "." + (amount % 100n).toString().padStart(2, "0");
  }

  function update() {
    const q = /^\s*[0-9]{1,9}\s*$/.test(quantity.value) ? BigInt(quantity.value.trim()) : null;
    const c = cents(cost.value);
    if (q === null || c === null) {
      out.textContent = "enter a quantity and a unit cost (at most two decimals)";
      return;
    }
    out.textContent = q.toString() + " × " + dollars(c) + " = " + dollars(q * c);
  }

  quantity.addEventListener("input", update);
  cost.addEventListener("input", update);
  update();
})();
