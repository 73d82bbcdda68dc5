// Every GraphQL document the pages send, and only here: tests/web/test_operations_schema.py imports this
// module (node) and validates each export against graphql/schema.graphql. Fragments are not exported.

const MONEY = 'amount currencyCode';
const CLAUSE = 'id text';

const RETURN_SUMMARY = `fragment ReturnSummary on Return {
  id status method createdAt trackingNumber
  order { id email shippingAddress { name } }
  quote { total { ${MONEY} } }
}`;

const RETURN_DETAILS = `fragment ReturnDetails on Return {
  id status method createdAt receivedAt refundDueAt refundExpectedBy shipBy carrier trackingNumber
  returnAddress { name line1 line2 city region postalCode countryCode }
  label { carrier trackingNumber url fee { ${MONEY} } }
  labelFailure { reason failedAt attempt }
  lines { orderLineId quantity reason note condition accepted defectConfirmed inspectionNote photos { url contentType } }
  quote {
    lines { orderLineId quantity amount { ${MONEY} } }
    itemsSubtotal { ${MONEY} } labelFee { ${MONEY} } shippingCredit { ${MONEY} } total { ${MONEY} }
    appliedClauses { ${CLAUSE} }
  }
  screening { outcome flags { message clause { ${CLAUSE} } } }
  settlement {
    amount { ${MONEY} } acceptedLineIds itemsSubtotal { ${MONEY} } labelFee { ${MONEY} } shippingCredit { ${MONEY} }
    appliedClauses { ${CLAUSE} }
  }
  refund { id status failureReason attempt amount { ${MONEY} } issuedAt paymentReference appliedClauses { ${CLAUSE} } }
  tracking { status lastScanAt deliveredAt }
  timeline { at status actor note internal }
  order { id email shippingAddress { name countryCode } lines { id title sku unitPrice { ${MONEY} } unitTax { ${MONEY} } } }
}`;

const ORDER_LINES = `fragment OrderLines on Order {
  id placedAt currencyCode shippingAddress { countryCode } returnMethods
  lines { id title sku quantity setId unitPrice { ${MONEY} } unitTax { ${MONEY} } }
  returnability { orderLineId eligible returnableQuantity returnDeadline reasons { code message clause { ${CLAUSE} } } }
}`;

const PAYLOAD = `return { ...ReturnDetails } userErrors { field message code }`;

// -- customer portal ----------------------------------------------------------------------------
export const MY_ORDERS = `query MyOrders($after: String) {
  orders(first: 20, after: $after) {
    edges { node { ...OrderLines returns { id status createdAt } } }
    pageInfo { hasNextPage endCursor }
  }
}
${ORDER_LINES}`;

export const ORDER_TO_RETURN = `query OrderToReturn($id: ID!) {
  order(id: $id) { ...OrderLines }
  returnPolicy { prepaidLabelCountries }
}
${ORDER_LINES}`;

export const RETURN_QUOTE = `query ReturnQuote($input: ReturnInput!) {
  returnQuote(input: $input) {
    quote {
      lines { orderLineId quantity eligible amount { ${MONEY} } reasons { code message clause { ${CLAUSE} } } }
      itemsSubtotal { ${MONEY} } labelFee { ${MONEY} } shippingCredit { ${MONEY} } total { ${MONEY} }
      firstReturnPackage merchantResponsibility methodsAvailable appliedClauses { ${CLAUSE} }
    }
    userErrors { field message code }
  }
}`;

export const REQUEST_RETURN = `mutation RequestReturn($input: RequestReturnInput!) {
  requestReturn(input: $input) { return { id status } userErrors { field message code } }
}`;

export const RETURN = `query Return($id: ID!) { return(id: $id) { ...ReturnDetails } }
${RETURN_DETAILS}`;

// The merchant's policy as written (English, the binding text): the portal links to it beside its translated explanations.
export const RETURN_POLICY = `query ReturnPolicy { returnPolicy { version clauses { ${CLAUSE} } } }`;

export const CANCEL_RETURN = `mutation CancelReturn($id: ID!) { cancelReturn(id: $id) { ${PAYLOAD} } }
${RETURN_DETAILS}`;

export const SUBMIT_TRACKING = `mutation SubmitTracking($id: ID!, $carrier: String!, $trackingNumber: String!) {
  submitReturnTracking(id: $id, carrier: $carrier, trackingNumber: $trackingNumber) { ${PAYLOAD} }
}
${RETURN_DETAILS}`;

// -- service console (agents) -------------------------------------------------------------------
// Customers who replied (waiting for an agent) first, each group by REVIEW-SLA deadline, earliest first.
export const REVIEW_QUEUE = `query ReviewQueue($after: String) {
  reviewQueue(first: 20, after: $after) {
    edges { node {
      ...ReturnSummary review { waitingFor since customerRepliedAt deadline } screening { flags { message clause { ${CLAUSE} } } }
      lines { orderLineId quantity reason note } order { lines { id title } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
${RETURN_SUMMARY}`;

export const APPROVE_RETURN = `mutation ApproveReturn($id: ID!, $note: String) {
  approveReturn(id: $id, note: $note) { ${PAYLOAD} }
}
${RETURN_DETAILS}`;

export const DECLINE_RETURN = `mutation DeclineReturn($id: ID!, $reason: String!) {
  declineReturn(id: $id, reason: $reason) { ${PAYLOAD} }
}
${RETURN_DETAILS}`;

export const ISSUE_REFUND = `mutation IssueRefund($id: ID!) { issueRefund(id: $id) { ${PAYLOAD} } }
${RETURN_DETAILS}`;

export const RETRY_REFUND = `mutation RetryRefund($id: ID!) { retryRefund(id: $id) { ${PAYLOAD} } }
${RETURN_DETAILS}`;

export const RETRY_LABEL = `mutation RetryLabel($id: ID!) { retryLabel(id: $id) { ${PAYLOAD} } }
${RETURN_DETAILS}`;

export const FAILED_LABELS = `query FailedLabels($after: String) {
  failedLabels(first: 50, after: $after) {
    edges { node { ...ReturnSummary shipBy labelFailure { reason failedAt attempt } } }
    pageInfo { hasNextPage endCursor }
  }
}
${RETURN_SUMMARY}`;

export const FAILED_REFUNDS = `query FailedRefunds($after: String) {
  failedRefunds(first: 50, after: $after) {
    edges { node { ...ReturnSummary refund { id status failureReason attempt amount { ${MONEY} } updatedAt } } }
    pageInfo { hasNextPage endCursor }
  }
}
${RETURN_SUMMARY}`;

export const SEARCH_RETURNS = `query SearchReturns($orderId: ID, $customerEmail: String, $after: String) {
  returns(first: 50, after: $after, orderId: $orderId, customerEmail: $customerEmail) {
    edges { node { ...ReturnSummary } }
    pageInfo { hasNextPage endCursor }
  }
}
${RETURN_SUMMARY}`;

export const FIND_BY_TRACKING = `query FindByTracking($trackingNumber: String!) {
  returnsByTrackingNumber(trackingNumber: $trackingNumber) { ...ReturnSummary }
}
${RETURN_SUMMARY}`;

export const CUSTOMERS_BY_NAME = `query CustomersByName($name: String!, $after: String) {
  customersByName(name: $name, first: 20, after: $after) {
    edges { node { name email newestOrder { id placedAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const UNKNOWN_PACKAGES = `query UnknownPackages($after: String) {
  unknownPackages(first: 50, after: $after) {
    edges { node {
      id scanned reason scannedBy at senderName senderAddress carrier trackingNumber note photos { url contentType }
      matchedReturn { id status order { email } } senderMatches(first: 3) { name email }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// -- warehouse screen ---------------------------------------------------------------------------
export const RECEIVE_RETURN = `mutation ReceiveReturn($id: ID!) { receiveReturn(id: $id) { ${PAYLOAD} } }
${RETURN_DETAILS}`;

export const MERCHANT_REASONS = 'query MerchantReasons { returnPolicy { merchantResponsibilityReasons } }';

export const INSPECTION_PHOTO_UPLOAD = `query InspectionPhotoUpload($id: ID!, $orderLineId: ID!, $contentType: String!) {
  inspectionPhotoUpload(id: $id, orderLineId: $orderLineId, contentType: $contentType) {
    upload { photoId url fields { name value } maxBytes }
    userErrors { field message code }
  }
}`;

export const PACKAGE_PHOTO_UPLOAD = `query PackagePhotoUpload($contentType: String!) {
  packagePhotoUpload(contentType: $contentType) {
    upload { photoId url fields { name value } maxBytes }
    userErrors { field message code }
  }
}`;

export const RECORD_UNKNOWN_PACKAGE = `mutation RecordUnknownPackage($input: UnknownPackageInput!) {
  recordUnknownPackage(input: $input) { unknownPackage { id } userErrors { field message code } }
}`;

// Returns the warehouse may be handed a package for: a mistyped number is compared with theirs.
export const EXPECTED_PACKAGES = `query ExpectedPackages($status: ReturnStatus!) {
  returns(status: $status, first: 100) { edges { node { id trackingNumber status order { id } } } }
}`;

export const INSPECTION_PREVIEW = `query InspectionPreview($id: ID!, $lines: [InspectionLineInput!]!) {
  inspectionPreview(id: $id, lines: $lines) {
    settlement { amount { ${MONEY} } acceptedLineIds labelFee { ${MONEY} } shippingCredit { ${MONEY} } appliedClauses { ${CLAUSE} } }
    userErrors { field message code }
  }
}`;

export const INSPECT_RETURN = `mutation InspectReturn($id: ID!, $lines: [InspectionLineInput!]!) {
  inspectReturn(id: $id, lines: $lines) { ${PAYLOAD} }
}
${RETURN_DETAILS}`;

// -- customer service by email (console): a customer's orders, returns and mail; a return on their behalf
export const CUSTOMER_ORDERS = `query CustomerOrders($email: String!, $after: String) {
  orders(first: 10, after: $after, customerEmail: $email) {
    edges { node { ...OrderLines returns(first: 20) { id status createdAt } } }
    pageInfo { hasNextPage endCursor }
  }
}
${ORDER_LINES}`;

export const CUSTOMER_ORDER = `query CustomerOrder($id: ID!) {
  order(id: $id) { email ...OrderLines }
  returnPolicy { prepaidLabelCountries }
}
${ORDER_LINES}`;

const STAFF_MESSAGE = `fragment StaffMessage on Message {
  id at direction from to subject text authenticated readable handled kind sentBy returnId attachmentsDropped
  attachments { filename contentType size url }
}`;

const REVIEW_WAIT = 'review { waitingFor since customerRepliedAt deadline }';

export const RETURN_CONVERSATION = `query ReturnConversation($id: ID!) {
  return(id: $id) { id status ${REVIEW_WAIT} messages { ...StaffMessage } timeline { at actor note internal } }
}
${STAFF_MESSAGE}`;

export const SEND_MESSAGE = `mutation SendMessage($returnId: ID!, $text: String!, $idempotencyKey: String) {
  sendMessage(returnId: $returnId, text: $text, idempotencyKey: $idempotencyKey) { message { id } userErrors { field message code } }
}`;

export const ADD_INTERNAL_NOTE = `mutation AddInternalNote($returnId: ID!, $text: String!) {
  addInternalNote(returnId: $returnId, text: $text) { return { id } userErrors { field message code } }
}`;

export const INBOX = `query Inbox($after: String, $includeHandled: Boolean) {
  inbox(first: 20, after: $after, includeHandled: $includeHandled) {
    edges { node { ...StaffMessage } }
    pageInfo { hasNextPage endCursor }
  }
}
${STAFF_MESSAGE}`;

export const CUSTOMER_MAIL = `query CustomerMail($email: String!, $after: String) {
  customer(email: $email) {
    name
    messages(first: 20, after: $after) { edges { node { ...StaffMessage } } pageInfo { hasNextPage endCursor } }
  }
}
${STAFF_MESSAGE}`;

// An inbox email's sender: the returns it can join and the orders a return can start from.
export const SENDER = `query Sender($email: String!) {
  customer(email: $email) {
    returns(first: 20) { edges { node { id status createdAt order { id } } } }
    orders(first: 20) { edges { node { id placedAt } } }
  }
}`;

export const ATTACH_MESSAGE = `mutation AttachMessage($messageId: ID!, $returnId: ID!) {
  attachMessage(messageId: $messageId, returnId: $returnId) { message { id returnId } userErrors { field message code } }
}`;

export const MARK_MESSAGE_HANDLED = `mutation MarkMessageHandled($messageId: ID!, $handled: Boolean!) {
  markMessageHandled(messageId: $messageId, handled: $handled) { message { id handled } userErrors { field message code } }
}`;

// -- customer service by email (portal): the customer's own conversation about a return, never internal notes
export const MY_CONVERSATION = `query MyConversation($id: ID!) {
  return(id: $id) { id status ${REVIEW_WAIT} messages { id at direction kind subject text sentBy attachments { filename size } } }
  returnPolicy { contactEmail }
}`;

// -- the merchant's Insights (console): figures of the returns created in a period, and the exports
export const INSIGHTS = `query Insights($from: DateTime!, $to: DateTime!, $groupBy: InsightDimension!, $thenBy: InsightDimension) {
  returnInsights(from: $from, to: $to, groupBy: $groupBy, thenBy: $thenBy) {
    asOf truncated userErrors { field message code }
    rows { key subKey returns units deliveredUnits returnRate itemValue { amount currencyCode } rejectedValue { amount currencyCode }
      refunded { amount currencyCode } labelFees { amount currencyCode } shippingCredits { amount currencyCode } }
  }
}`;

export const POLICY_CLAUSES = 'query PolicyClauses { returnPolicy { clauses { id text } } }';

export const EXPORT_RETURNS = `mutation ExportReturns($from: DateTime!, $to: DateTime!, $kind: ExportKind!) {
  exportReturns(from: $from, to: $to, kind: $kind) { url rows userErrors { field message code } }
}`;
