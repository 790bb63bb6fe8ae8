// The token page: a "Chép mã" button copies the new token (shown once) to the clipboard.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("copy-token");
  var field = document.getElementById("new-token");
  if (!button || !field) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    field.select();
    var done = function () { button.textContent = "Đã chép"; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
