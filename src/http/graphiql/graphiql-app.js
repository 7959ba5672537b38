/* GraphiQL bootstrap, served as a static file (no inline script, so a strict CSP holds).
 * Globals React, ReactDOM and GraphiQL come from the UMD bundles loaded before this file. */
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  var endpoint = root.getAttribute('data-endpoint');
  var fileInput = document.getElementById('image-file');
  var clearButton = document.getElementById('image-clear');
  var statusText = document.getElementById('image-status');

  var DEFAULT_QUERY = [
    '# Search the catalog by photo, by text, or both.',
    '# Attach a photo above to send it as $image: the page then sends a GraphQL',
    '# multipart request with the header Apollo-Require-Preflight: true.',
    '# Or search by a photo URL ($imageUrl), or more like stored products:',
    '# "similarTo": [{ "productId": "sku-1" }] (see also recommend and Product.similar).',
    '# Facet counts and a total come with the page; "sort": "PRICE_ASC", "diversity": 0.5,',
    '# "collapseDuplicates": true and "popularityWeight": 0.1 reshape the ranking.',
    'query Search($image: Upload, $text: String, $first: Int,',
    '             $imageUrl: String, $similarTo: [ProductRefInput!],',
    '             $sort: SearchSort, $diversity: Float, $collapseDuplicates: Boolean,',
    '             $popularityWeight: Float) {',
    '  similarImages(image: $image, text: $text, first: $first,',
    '                imageUrl: $imageUrl, similarTo: $similarTo,',
    '                sort: $sort, diversity: $diversity,',
    '                collapseDuplicates: $collapseDuplicates,',
    '                popularityWeight: $popularityWeight) {',
    '    totalCount',
    '    facets {',
    '      categories { value count }',
    '      tags { value count }',
    '      prices { min max count }',
    '    }',
    '    edges {',
    '      cursor',
    '      node {',
    '        score',
    '        product { id title category price currency tags inStock }',
    '        matchedImage { id position filename }',
    '        duplicates { id title }',
    '      }',
    '    }',
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '}',
    '',
  ].join('\n');
  var DEFAULT_VARIABLES = '{\n  "text": "red",\n  "first": 10\n}';

  function chosenFile() {
    return fileInput.files && fileInput.files.length > 0 ? fileInput.files[0] : null;
  }

  function usesImage(query) {
    return /\$image\b/.test(query || '');
  }

  function showStatus() {
    var file = chosenFile();
    clearButton.disabled = file === null;
    statusText.className = file === null ? 'upload-status' : 'upload-status attached';
    statusText.textContent =
      file === null
        ? 'No photo attached: operations are sent as JSON.'
        : file.name +
          ' (' +
          Math.ceil(file.size / 1024) +
          ' KB) will be sent as $image in a multipart request.';
  }

  function multipartBody(params, file) {
    var variables = Object.assign({}, params.variables || {}, { image: null });
    var form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: params.query,
        operationName: params.operationName || null,
        variables: variables,
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.image'] }));
    form.append('0', file, file.name);
    return form;
  }

  // GraphiQL recomputes the operation name a moment after an edit; a run in between would name
  // an operation the document no longer has. Send no name then (fine for one-operation docs).
  function currentOperationName(params) {
    var name = params.operationName;
    if (!name) return undefined;
    var names = [];
    var pattern = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/g;
    var match;
    while ((match = pattern.exec(params.query || '')) !== null) names.push(match[1]);
    return names.indexOf(name) >= 0 ? name : undefined;
  }

  async function fetcher(graphQLParams, options) {
    var params = Object.assign({}, graphQLParams, {
      operationName: currentOperationName(graphQLParams),
    });
    var headers = Object.assign({ Accept: 'application/json' }, (options && options.headers) || {});
    var file = chosenFile();
    var body;
    if (file !== null && usesImage(params.query)) {
      // CSRF prevention: multipart is a "simple" content type, so Apollo wants this header.
      headers['Apollo-Require-Preflight'] = 'true';
      body = multipartBody(params, file);
    } else {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(params);
    }
    var response = await fetch(endpoint, {
      method: 'POST',
      headers: headers,
      body: body,
      credentials: 'same-origin',
    });
    var text = await response.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      return { errors: [{ message: 'HTTP ' + response.status + ': ' + text }] };
    }
  }

  function hasStoredTabs() {
    try {
      return window.localStorage.getItem('graphiql:tabState') !== null;
    } catch (error) {
      return false;
    }
  }

  fileInput.addEventListener('change', showStatus);
  clearButton.addEventListener('click', function () {
    fileInput.value = '';
    showStatus();
  });
  showStatus();

  root.textContent = '';
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      // First visit only: later visits keep what the user left in the editors.
      variables: hasStoredTabs() ? undefined : DEFAULT_VARIABLES,
      defaultEditorToolsVisibility: 'variables',
    }),
  );
})();
