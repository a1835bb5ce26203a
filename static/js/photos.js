/* Photos taken on the phone are shrunk there before they are sent or stored: at most
 * 1920 px on the long side, JPEG. A file the browser cannot draw is passed on unchanged,
 * and the server says what is wrong with it. Used by checklist.js and field.js. */
(function () {
  "use strict";
  var MAX_SIDE = 1920;

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve({ img: img, url: url }); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  function shrink(file) {
    // A file the browser cannot draw goes up as it is: the server says what is wrong.
    return loadImage(file).then(function (loaded) {
      var img = loaded.img;
      var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
      if (scale === 1 && file.type === "image/jpeg") {
        URL.revokeObjectURL(loaded.url);
        return file;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.naturalWidth * scale);
      canvas.height = Math.round(img.naturalHeight * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(loaded.url);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      });
    }, function () { return file; });
  }

  window.HazardTrackPhotos = { shrink: shrink };
})();
