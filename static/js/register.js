// 登记隐患: show the 重大隐患 fields only while the level "major" is chosen.
(function () {
  var form = document.getElementById("register-form");
  var major = document.getElementById("major-fields");
  if (!form || !major) { return; }
  function sync() {
    var checked = form.querySelector('input[name="level"]:checked');
    major.hidden = !(checked && checked.value === "major");
  }
  form.addEventListener("change", sync);
  sync();
})();
