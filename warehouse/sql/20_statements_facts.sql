-- Statements of each document's newest extraction, with their document and section headline.
CREATE VIEW statements_facts AS
FROM newest_facts('statements');
