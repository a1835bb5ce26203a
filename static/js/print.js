// Buttons marked data-print open the browser's print dialog (检查登记表, 整改通知书, 督办单, 日报).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
