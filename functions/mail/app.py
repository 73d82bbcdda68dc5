"""Mail function: the emails customers send to customer service (SES receives them, stores them raw in
the mail bucket and invokes this function with its verdicts: read, kept, threaded onto a return's
conversation or put in the agents' inbox), and the agents' conversation commands (sendMessage,
attachMessage, markMessageHandled, addInternalNote)."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, inbound_mail

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.MAIL),
    mail=inbound_mail.receive_ses_record,
    needs=("mail",),
)

lambda_handler = routes.lambda_handler()
