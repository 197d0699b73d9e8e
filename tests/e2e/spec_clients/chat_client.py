# The Python chat client of nadoo-websocket-api.txt, as published. The test
# fills in the server's address and a real token, and changes nothing else.
import asyncio
import json
import websockets
async def chat_client ():
    session_id = "session-abc-123"
    token = "eyJhbGciOiJIUzI1NiIs..."
    uri = f"ws://localhost:8000/ws/chat/{ session_id }?token={ token }"
    async with websockets.connect(uri) as ws:
        # Wait for connection confirmation
        response = await ws.recv()
        data = json.loads(response)
        print ( f"Connected: { data } " )
        # Send a message
        await ws.send(json.dumps({
            "type" : "chat" ,
            "content" : "Summarize the Q4 report" ,
            "application_id" : "app-uuid-123"
        }))
        # Receive streamed response
        full_response = ""
        async for message in ws:
            data = json.loads(message)
            if data[ "type" ] == "text-delta" :
                full_response += data[ "text" ]
                print (data[ "text" ], end = "" , flush = True )
            elif data[ "type" ] == "response_end" :
                print ( f" \n\n Tokens used: { data[ 'tokens_used' ] } " )
                break
            elif data[ "type" ] == "error" :
                print ( f"Error: { data[ 'message' ] } " )
                break
asyncio.run(chat_client())
